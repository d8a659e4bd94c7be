/** Waiting in tests for something to happen, with a deadline that names what never came. */

/** Resolves once `condition` holds, checked every `everyMs`; fails after `timeoutMs`. */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000, everyMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Resolves when `condition` holds, checked whenever one of `listeners` is called (add to it, then call every
 * listener when something changes); fails after `timeoutMs`.
 */
export function whenSignalled(condition: () => boolean, listeners: Set<() => void>, what: string, timeoutMs = 10_000): Promise<void> {
  if (condition()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!condition()) return;
      done();
      resolve();
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      listeners.delete(check);
    };
    listeners.add(check);
  });
}

/** Resolves with the first value `probe` gives that is not undefined, probed every `everyMs`; fails after `timeoutMs`. */
export async function firstValue<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
