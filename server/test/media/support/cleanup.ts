import type { TestContext } from 'node:test';

/**
 * Returns `defer(fn)`: cleanups that run after the test, last registered
 * first (node:test runs its own `t.after` hooks first registered first, which
 * would stop Janus before the stage on it is taken down). Every cleanup runs;
 * the first failure is reported.
 */
export function cleanups(t: TestContext): (fn: () => unknown) => void {
  const stack: Array<() => unknown> = [];
  t.after(async () => {
    let failure: unknown;
    for (let fn = stack.pop(); fn; fn = stack.pop()) {
      try {
        await fn();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  });
  return (fn) => {
    stack.push(fn);
  };
}

/** Returns `closing(resource)`: the resource, closed after the test (passed or failed) as a cleanup. */
export function closer(t: TestContext) {
  const defer = cleanups(t);
  return <T extends { close(): Promise<void> }>(resource: T): T => {
    defer(() => resource.close());
    return resource;
  };
}
