import { describe, expect, it } from 'vitest';
import { isUuid, uuidv7 } from '../../../src/adapters/store/ids.ts';

describe('message ids (UUID version 7)', () => {
  it('are RFC 9562 version 7 UUIDs carrying the creation time, unique and ordered by time', () => {
    const id = uuidv7(Date.UTC(2026, 10, 23));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.UTC(2026, 10, 23));
    const ids = Array.from({ length: 10_000 }, (_, i) => uuidv7(1_000_000 + i));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(isUuid(id) && !isUuid('../../etc/passwd')).toBe(true);
  });

  it('strictly grow within one millisecond and when the clock goes back, so events of one instant keep their order', () => {
    const t = Date.UTC(2030, 0, 1);
    const ids = [...Array.from({ length: 5_000 }, () => uuidv7(t)), uuidv7(t - 1_000), uuidv7(t + 1)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
