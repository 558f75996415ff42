// Goal: the role each RPC needs (every WorkflowService and OperatorService method is classified, as the
// Temporal server's API metadata says, with the worker role between reader and writer), the decision
// over namespaces and the cluster, API key files (clear and sha256, errors that never quote a key), and
// JWT verification (RS256 and ES256, kid, exp, nbf, the permissions claim), the bounds, and a key file
// read again when it changes. Setup: keys made in memory, key files in a temporary directory.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { protoRoot } from '../../src/common/proto';
import {
  Access,
  OPERATOR_SERVICE,
  Scope,
  WORKFLOW_SERVICE,
  rpcAccessOf,
  type RpcAccess,
} from '../../src/api/auth/rpc-access';
import { isAllowed } from '../../src/api/auth/authorize';
import { API_KEYS_MAX, parseApiKeyFile } from '../../src/api/auth/api-keys';
import { Authenticator } from '../../src/api/auth/authenticator';
import { createLogger } from '../../src/common/logger';
import { JwtError, parseJwks, parseJwtKeyPem, verifyJwt, type JwtKey } from '../../src/api/auth/jwt';
import { CredentialKind, type Principal } from '../../src/api/auth/principal';
import { PrincipalRateLimiter } from '../../src/api/auth/principal-rate-limiter';
import { FakeClock } from '../helpers/fake-clock';

const NOW_MS = 1_800_000_000_000;

function principal(system: Principal['system'], namespaces: Record<string, Principal['system']> = {}): Principal {
  return {
    name: 'p',
    kind: CredentialKind.ApiKey,
    system,
    namespaces: new Map(
      Object.entries(namespaces).filter(
        (entry): entry is [string, NonNullable<Principal['system']>] => entry[1] !== undefined,
      ),
    ),
  };
}

describe('the role table', () => {
  test('RPCs need what the server says, with task RPCs at the worker role', () => {
    const expected: [string, string, RpcAccess][] = [
      [WORKFLOW_SERVICE, 'GetSystemInfo', { scope: Scope.Cluster, access: Access.Open }],
      ['grpc.health.v1.Health', 'Check', { scope: Scope.Cluster, access: Access.Open }],
      [WORKFLOW_SERVICE, 'DescribeNamespace', { scope: Scope.Namespace, access: Access.Read }],
      [WORKFLOW_SERVICE, 'ListNamespaces', { scope: Scope.Cluster, access: Access.Read }],
      [WORKFLOW_SERVICE, 'RegisterNamespace', { scope: Scope.Cluster, access: Access.Admin }],
      [WORKFLOW_SERVICE, 'UpdateNamespace', { scope: Scope.Namespace, access: Access.Admin }],
      [WORKFLOW_SERVICE, 'StartWorkflowExecution', { scope: Scope.Namespace, access: Access.Write }],
      [WORKFLOW_SERVICE, 'TerminateWorkflowExecution', { scope: Scope.Namespace, access: Access.Write }],
      [WORKFLOW_SERVICE, 'QueryWorkflow', { scope: Scope.Namespace, access: Access.Read }],
      [WORKFLOW_SERVICE, 'PollWorkflowExecutionUpdate', { scope: Scope.Namespace, access: Access.Read }],
      [WORKFLOW_SERVICE, 'PollWorkflowTaskQueue', { scope: Scope.Namespace, access: Access.Task }],
      [WORKFLOW_SERVICE, 'PollNexusTaskQueue', { scope: Scope.Namespace, access: Access.Task }],
      [WORKFLOW_SERVICE, 'RespondNexusTaskCompleted', { scope: Scope.Namespace, access: Access.Task }],
      [WORKFLOW_SERVICE, 'RecordActivityTaskHeartbeat', { scope: Scope.Namespace, access: Access.Task }],
      [OPERATOR_SERVICE, 'CreateNexusEndpoint', { scope: Scope.Cluster, access: Access.Admin }],
      [OPERATOR_SERVICE, 'ListNexusEndpoints', { scope: Scope.Cluster, access: Access.Admin }],
      [OPERATOR_SERVICE, 'ListSearchAttributes', { scope: Scope.Namespace, access: Access.Read }],
      [OPERATOR_SERVICE, 'DeleteNamespace', { scope: Scope.Namespace, access: Access.Admin }],
      ['causeway.v1.AuditService', 'ListAuditEvents', { scope: Scope.Cluster, access: Access.Admin }],
      ['some.Unknown', 'Thing', { scope: Scope.Cluster, access: Access.Admin }],
    ];
    for (const [service, method, access] of expected)
      assert.deepEqual(rpcAccessOf(service, method), access, `${service}/${method}`);
  });

  test('every method of the protos has a scope that its request can name', () => {
    for (const service of [WORKFLOW_SERVICE, OPERATOR_SERVICE]) {
      for (const method of protoRoot.lookupService(service).methodsArray) {
        method.resolve();
        const access = rpcAccessOf(service, method.name);
        const hasNamespace = method.resolvedRequestType?.fields['namespace'] !== undefined;
        if (access.scope === Scope.Namespace)
          assert.ok(hasNamespace, `${method.name} is namespace-scoped, so its request names a namespace`);
      }
    }
  });

  test('a role on a namespace covers it, a role on "*" covers all and the cluster', () => {
    const start = rpcAccessOf(WORKFLOW_SERVICE, 'StartWorkflowExecution');
    const poll = rpcAccessOf(WORKFLOW_SERVICE, 'PollWorkflowTaskQueue');
    const describe = rpcAccessOf(WORKFLOW_SERVICE, 'DescribeNamespace');
    const endpoint = rpcAccessOf(OPERATOR_SERVICE, 'CreateNexusEndpoint');
    const reader = principal(undefined, { a: 'reader' });
    const worker = principal(undefined, { a: 'worker' });
    const writer = principal(undefined, { a: 'writer' });
    assert.equal(isAllowed(reader, describe, 'a'), true);
    assert.equal(isAllowed(reader, poll, 'a'), false);
    assert.equal(isAllowed(reader, start, 'a'), false);
    assert.equal(isAllowed(worker, describe, 'a'), true);
    assert.equal(isAllowed(worker, poll, 'a'), true);
    assert.equal(isAllowed(worker, start, 'a'), false);
    assert.equal(isAllowed(writer, start, 'a'), true);
    assert.equal(isAllowed(writer, start, 'b'), false);
    assert.equal(
      isAllowed(principal(undefined, { a: 'admin' }), endpoint, 'a'),
      false,
      'namespace admin is not cluster admin',
    );
    assert.equal(isAllowed(principal('admin'), endpoint, ''), true);
    assert.equal(isAllowed(principal('reader', { a: 'writer' }), start, 'a'), true, 'the stronger role counts');
    assert.equal(isAllowed(principal('reader'), start, 'z'), false);
  });
});

describe('API key files', () => {
  test('clear and sha256 keys name their principal; others do not', () => {
    const table = parseApiKeyFile(
      JSON.stringify([
        { key: 'clear-one', principal: 'one', namespaces: { a: 'writer' } },
        {
          key: `sha256:${createHash('sha256').update('hashed-two').digest('hex')}`,
          principal: 'two',
          namespaces: { '*': 'read' },
        },
      ]),
      '--api-key-file',
    );
    assert.equal(table.principalOf('clear-one')?.name, 'one');
    assert.equal(table.principalOf('clear-one')?.namespaces.get('a'), 'writer');
    assert.equal(table.principalOf('hashed-two')?.system, 'reader');
    assert.equal(table.principalOf('clear-on'), undefined);
    assert.equal(table.principalOf(''), undefined);
  });

  test('bad files are refused with the flag and entry, never the key', () => {
    const bad: [string, RegExp][] = [
      ['{"key": "secret-abc"', /--api-key-file: not JSON$/],
      ['{}', /expected a JSON list/],
      ['[{"key": "secret-abc", "principal": "p", "namespaces": {"a": "boss"}}]', /entry 0: the role of "a"/],
      ['[{"key": "sha256:12", "principal": "p", "namespaces": {}}]', /64 hex digits/],
      ['[{"key": "secret-abc", "namespaces": {}}]', /"principal"/],
      [
        '[{"key": "secret-abc", "principal": "p", "namespaces": {}}, {"key": "secret-abc", "principal": "q", "namespaces": {}}]',
        /twice/,
      ],
    ];
    for (const [text, message] of bad) {
      assert.throws(
        () => parseApiKeyFile(text, '--api-key-file'),
        (error: Error) => message.test(error.message) && !error.message.includes('secret-abc'),
      );
    }
  });
});

function token(key: KeyObject, header: object, claims: object): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signed = `${part(header)}.${part(claims)}`;
  const isEc = key.asymmetricKeyType === 'ec';
  const signature = sign('sha256', Buffer.from(signed), isEc ? { key, dsaEncoding: 'ieee-p1363' } : key);
  return `${signed}.${signature.toString('base64url')}`;
}

describe('JWT verification', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keys: JwtKey[] = [
    ...parseJwtKeyPem(String(rsa.publicKey.export({ type: 'spki', format: 'pem' })), '--jwt-key-file'),
    ...parseJwks(
      JSON.stringify({ keys: [{ ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1', use: 'sig' }] }),
      '--jwks-file',
    ),
  ];
  const nowSeconds = NOW_MS / 1000;

  test('RS256 and ES256 tokens give their permissions; temporal-system is the cluster', () => {
    const fromRsa = verifyJwt(
      token(
        rsa.privateKey,
        { alg: 'RS256' },
        { sub: 'alice', exp: nowSeconds + 60, permissions: ['a:write', 'a:read', 'b:worker', 'junk', 7, 'c:boss'] },
      ),
      keys,
      NOW_MS,
    );
    assert.equal(fromRsa.name, 'alice');
    assert.equal(fromRsa.kind, 'jwt');
    assert.deepEqual(
      [...fromRsa.namespaces],
      [
        ['a', 'writer'],
        ['b', 'worker'],
      ],
    );
    assert.equal(fromRsa.system, undefined);
    const fromEc = verifyJwt(
      token(ec.privateKey, { alg: 'ES256', kid: 'ec-1' }, { sub: 'bob', permissions: ['temporal-system:admin'] }),
      keys,
      NOW_MS,
    );
    assert.equal(fromEc.system, 'admin');
  });

  test('expired, early, forged, unknown kid, alg none and missing sub are refused', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const refused: [string, RegExp][] = [
      [token(rsa.privateKey, { alg: 'RS256' }, { sub: 's', exp: nowSeconds - 1 }), /expired/],
      [token(rsa.privateKey, { alg: 'RS256' }, { sub: 's', exp: nowSeconds }), /expired/],
      [token(rsa.privateKey, { alg: 'RS256' }, { sub: 's', nbf: nowSeconds + 30 }), /not valid yet/],
      [token(other, { alg: 'RS256' }, { sub: 's' }), /signature/],
      [token(ec.privateKey, { alg: 'ES256', kid: 'ec-2' }, { sub: 's' }), /no ES256 key with kid ec-2/],
      [token(rsa.privateKey, { alg: 'RS256' }, { permissions: [] }), /"sub"/],
      [
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"s"}').toString('base64url')}.`,
        /unsupported alg/,
      ],
      ['a.b', /compact JWS/],
    ];
    for (const [text, reason] of refused) {
      assert.throws(
        () => verifyJwt(text, keys, NOW_MS),
        (error: Error) => error instanceof JwtError && reason.test(error.message),
      );
    }
  });
});

describe('the rate limit per principal', () => {
  test('a bucket per principal refills at its rate, and the map of buckets is bounded', async () => {
    const clock = new FakeClock(NOW_MS);
    const limiter = new PrincipalRateLimiter(clock, 2, 2, 3);
    assert.deepEqual([limiter.tryTake('a'), limiter.tryTake('a'), limiter.tryTake('a')], [true, true, false]);
    assert.equal(limiter.tryTake('b'), true, 'another principal has its own bucket');
    await clock.advance(500);
    assert.deepEqual([limiter.tryTake('a'), limiter.tryTake('a')], [true, false]);
    for (const name of ['c', 'd', 'e', 'f']) limiter.tryTake(name);
    assert.equal(limiter.size, 3);
  });
});

describe('the credential files', () => {
  test('a key file past API_KEYS_MAX is refused', () => {
    const keys = Array.from({ length: API_KEYS_MAX + 1 }, (_, n) => ({ key: `k${n}`, principal: 'p', namespaces: {} }));
    assert.throws(() => parseApiKeyFile(JSON.stringify(keys), '--api-key-file'), /more than 10000 keys/);
    assert.equal(parseApiKeyFile(JSON.stringify(keys.slice(1)), '--api-key-file').size, API_KEYS_MAX);
  });

  test('a changed file is read again; one that does not parse leaves the previous keys in force', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'causeway-keys-'));
    try {
      const file = path.join(dir, 'keys.json');
      const entry = (key: string): string => JSON.stringify([{ key, principal: key, namespaces: { a: 'reader' } }]);
      await writeFile(file, entry('first'));
      const lines: string[] = [];
      const logger = createLogger('info', 'json', (line) => lines.push(line));
      const authenticator = new Authenticator({ apiKeyFile: file }, new FakeClock(NOW_MS), logger);
      assert.equal(authenticator.authenticate('Bearer first').principal?.name, 'first');
      assert.match(authenticator.authenticate(undefined).failure ?? '', /no authorization header/);
      assert.match(authenticator.authenticate('Basic first').failure ?? '', /not "Bearer <token>"/);
      await writeFile(file, '[{"key": "half-writ');
      authenticator.refresh();
      assert.equal(authenticator.authenticate('bearer first').principal?.name, 'first', 'the previous keys stay');
      assert.match(lines.join(''), /cannot be used; the previous contents stay in force/);
      assert.ok(!lines.join('').includes('half-writ'), 'the file is not quoted');
      await writeFile(file, entry('second-key'));
      authenticator.refresh();
      assert.equal(authenticator.authenticate('Bearer second-key').principal?.name, 'second-key');
      assert.match(authenticator.authenticate('Bearer first').failure ?? '', /unknown API key/);
      assert.throws(
        () => new Authenticator({ apiKeyFile: path.join(dir, 'missing.json') }, new FakeClock(NOW_MS), logger),
        /cannot read --api-key-file/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('certificate entries of the key file', () => {
  const entry = (certificate: unknown) =>
    JSON.stringify([{ certificate, principal: 'w', namespaces: { default: 'worker' } }]);
  const certificate = (cn: string, o: string, san: string[] = []) => ({
    commonNames: [cn],
    organizations: [o],
    organizationalUnits: [],
    alternativeNames: san,
  });

  test('a filter matches when every field it gives matches; the first matching entry wins', () => {
    const table = parseApiKeyFile(
      JSON.stringify([
        { certificate: { commonName: 'a', organization: 'O' }, principal: 'first', namespaces: { default: 'writer' } },
        { certificate: { organization: 'O' }, principal: 'second', namespaces: { default: 'reader' } },
        { certificate: { subjectAlternativeName: 'spiffe://x/w' }, principal: 'third', namespaces: {} },
      ]),
      '--api-key-file',
    );
    assert.equal(table.principalOfCertificate(certificate('a', 'O'))?.name, 'first');
    assert.equal(table.principalOfCertificate(certificate('a', 'O'))?.kind, CredentialKind.Certificate);
    assert.equal(table.principalOfCertificate(certificate('b', 'O'))?.name, 'second');
    assert.equal(table.principalOfCertificate(certificate('b', 'P', ['spiffe://x/w']))?.name, 'third');
    assert.equal(table.principalOfCertificate(certificate('b', 'P'))?.name, undefined);
    assert.equal(table.principalOf('a'), undefined, 'a certificate entry is no key');
  });

  test('bad certificate entries are refused with what is wrong', () => {
    for (const [text, message] of [
      [entry('CN=a'), /"certificate" must be an object/],
      [entry({}), /must name at least one of/],
      [entry({ cn: 'a' }), /unknown certificate field "cn"/],
      [entry({ commonName: '' }), /certificate field "commonName" must be a non-empty string/],
      [
        JSON.stringify([{ key: 'k', certificate: { commonName: 'a' }, principal: 'w', namespaces: {} }]),
        /either "key" or "certificate", not both/,
      ],
    ] as const) {
      assert.throws(() => parseApiKeyFile(text, '--api-key-file'), message);
    }
  });
});
