// A schedule spec the server would refuse; its message is the server's, which the API prefixes with
// "Invalid schedule spec: ".
export class SpecError extends Error {
  override name = 'SpecError';
}
