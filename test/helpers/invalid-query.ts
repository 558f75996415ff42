// The error a malformed or ill-typed visibility query gets: INVALID_ARGUMENT, worded "invalid query: ...".
import assert from 'node:assert/strict';
import { ErrorCode, ServiceError } from '../../src/common/errors';

export function assertInvalidQuery(run: () => unknown, message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ServiceError, `expected a ServiceError, got ${String(error)}`);
    assert.equal(error.code, ErrorCode.InvalidArgument);
    assert.match(error.message, /^invalid query: /);
    assert.match(error.message, message);
    return true;
  });
}
