// Drives Nexus sync operations against a running server, for profiling it:
// node dist/bench/drive-nexus.js HOST:PORT [count]
import { Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import * as path from 'node:path';
import { measureNexus } from './nexus';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const address = process.argv[2] ?? '127.0.0.1:7233';
  const pid = Number(process.argv[3] ?? 0) || undefined;
  const code = await bundleWorkflowCode({
    workflowsPath: path.join(__dirname, '..', 'test', 'fixtures', 'nexus', 'workflows.js'),
    logger: new DefaultLogger('ERROR'),
  });
  const connection = await Connection.connect({ address });
  const native = await NativeConnection.connect({ address });
  console.log(await measureNexus(connection, native, code, [pid]));
  await connection.close();
  await native.close();
}

void main();
