// Certificates for the TLS tests, made with the openssl command (Debian's openssl package; .ci/run
// installs it): a CA, a server certificate for 127.0.0.1 and localhost, and a client certificate, each
// signed by the CA, in a fresh temporary directory.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TestCertificates {
  readonly dir: string;
  readonly caFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  read(file: string): Buffer;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A CA and certificates it signed, under `name` in a temporary directory. */
export function makeCertificates(
  name: string,
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'causeway-tls-')),
): TestCertificates {
  const file = (suffix: string): string => path.join(dir, `${name}-${suffix}`);
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '2',
    '-subj',
    `/CN=${name}-ca`,
  ]);
  fs.writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  // X.509 v3 for the client too (an extension makes it so): rustls, under the Python SDK, takes no v1 certificate.
  fs.writeFileSync(file('client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const role of ['server', 'client']) {
    openssl(dir, [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      file(`${role}.key`),
      '-out',
      file(`${role}.csr`),
      '-subj',
      `/CN=${name}-${role}`,
    ]);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      file(`${role}.csr`),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file(`${role}.pem`),
      '-days',
      '2',
      '-extfile',
      file(`${role}.ext`),
    ]);
  }
  return {
    dir,
    caFile: file('ca.pem'),
    serverCertFile: file('server.pem'),
    serverKeyFile: file('server.key'),
    clientCertFile: file('client.pem'),
    clientKeyFile: file('client.key'),
    read: (target) => fs.readFileSync(target),
  };
}
