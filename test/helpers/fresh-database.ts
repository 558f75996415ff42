// Fresh PostgreSQL databases for one test file, all dropped after its tests (import this only from test
// files: it registers the `after` hook when loaded).
import { after } from 'node:test';
import { createTestDatabase, type TestDatabase } from './postgres';

const made: TestDatabase[] = [];
after(async () => {
  for (const database of made.splice(0)) await database.drop();
});

export async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  made.push(database);
  return database;
}
