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
  /** Another client certificate the same CA signs, with the subject given (e.g. "/CN=a/O=b"). */
  client(subject: string): { readonly certFile: string; readonly keyFile: string };
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
  const sign = (stem: string, subject: string, extfile: string): void => {
    openssl(dir, [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      file(`${stem}.key`),
      '-out',
      file(`${stem}.csr`),
      '-subj',
      subject,
    ]);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      file(`${stem}.csr`),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file(`${stem}.pem`),
      '-days',
      '2',
      '-extfile',
      extfile,
    ]);
  };
  for (const role of ['server', 'client']) sign(role, `/CN=${name}-${role}`, file(`${role}.ext`));
  let clients = 0;
  return {
    dir,
    caFile: file('ca.pem'),
    serverCertFile: file('server.pem'),
    serverKeyFile: file('server.key'),
    clientCertFile: file('client.pem'),
    clientKeyFile: file('client.key'),
    read: (target) => fs.readFileSync(target),
    client(subject) {
      clients += 1;
      const stem = `client-${clients}`;
      sign(stem, subject, file('client.ext'));
      return { certFile: file(`${stem}.pem`), keyFile: file(`${stem}.key`) };
    },
  };
}
