// A credential file that cannot be read or parsed: the start stops with a message naming the flag and
// the entry (never the secret itself).
export class AuthConfigError extends Error {
  override name = 'AuthConfigError';
}
