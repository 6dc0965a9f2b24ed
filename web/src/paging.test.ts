import { describe, expect, it } from 'vitest';
import { Pager, type Page, type PageFetcher } from './paging';

interface Item { id: string }
const items = (...ids: string[]): Item[] => ids.map((id) => ({ id }));

/** A fake API list: pages of `size` over `all`, cursors "c<offset>"; records the cursors asked for. */
function fakeList(all: Item[], size: number) {
  const asked: (string | undefined)[] = [];
  const f: PageFetcher<Item> = async (cursor) => {
    asked.push(cursor);
    const from = cursor ? Number(cursor.slice(1)) : 0;
    const end = from + size;
    return { items: all.slice(from, end), nextCursor: end < all.length ? `c${end}` : undefined };
  };
  return { f, asked };
}

function deferred<V>() {
  let resolve!: (v: V) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<V>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

const ids = (p: Pager<Item>) => p.state.items.map((x) => x.id);

describe('Pager', () => {
  it('loads the first page, then follows nextCursor until the last page', async () => {
    const { f, asked } = fakeList(items('a', 'b', 'c', 'd', 'e'), 2);
    const p = new Pager<Item>();
    expect(p.state.loaded).toBe(false);
    await p.reset(f);
    expect(ids(p)).toEqual(['a', 'b']);
    expect(p.hasMore).toBe(true);
    await p.more();
    expect(ids(p)).toEqual(['a', 'b', 'c', 'd']);
    await p.more();
    expect(ids(p)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(p.hasMore).toBe(false);
    await p.more(); // nothing left: no request
    expect(asked).toEqual([undefined, 'c2', 'c4']);
  });

  it('a new filter starts from the first page and drops answers of the old one', async () => {
    const old = deferred<Page<Item>>();
    const p = new Pager<Item>();
    const first = p.reset(async () => old.promise);
    expect(p.state.loading).toBe(true);
    const { f: filtered, asked } = fakeList(items('x', 'y', 'z'), 2);
    await p.reset(filtered);
    old.resolve({ items: items('stale'), nextCursor: 'c9' });
    await first;
    expect(ids(p)).toEqual(['x', 'y']);
    expect(p.state.nextCursor).toBe('c2');
    expect(asked).toEqual([undefined]);
  });

  it('a page that arrives after a filter change is not appended', async () => {
    const p = new Pager<Item>();
    const next = deferred<Page<Item>>();
    await p.reset(async (c) => (c ? next.promise : { items: items('a'), nextCursor: 'c1' }));
    const more = p.more();
    expect(p.state.loadingMore).toBe(true);
    await p.reset(async () => ({ items: items('n') }));
    next.resolve({ items: items('b') });
    await more;
    expect(ids(p)).toEqual(['n']);
    expect(p.hasMore).toBe(false);
  });

  it('asks for one page at a time and does not repeat items', async () => {
    const p = new Pager<Item>(undefined, (x) => x.id);
    const page2 = deferred<Page<Item>>();
    let calls = 0;
    await p.reset(async (c) => { calls++; return c ? page2.promise : { items: items('a', 'b'), nextCursor: 'c2' }; });
    const m1 = p.more();
    const m2 = p.more(); // ignored while the first is on its way
    page2.resolve({ items: items('b', 'c') }); // 'b' moved down a page meanwhile
    await Promise.all([m1, m2]);
    expect(calls).toBe(2);
    expect(ids(p)).toEqual(['a', 'b', 'c']);
  });

  it('keeps the cursor after a failed page so that it can be retried', async () => {
    let fail = true;
    const p = new Pager<Item>();
    await p.reset(async (c) => {
      if (c && fail) throw new Error('network');
      return c ? { items: items('b') } : { items: items('a'), nextCursor: 'c1' };
    });
    await p.more();
    expect(p.state.error).toBeInstanceOf(Error);
    expect(ids(p)).toEqual(['a']);
    expect(p.hasMore).toBe(true);
    fail = false;
    await p.more();
    expect(p.state.error).toBeUndefined();
    expect(ids(p)).toEqual(['a', 'b']);
  });

  it('a failed first page leaves an empty list with the error', async () => {
    const p = new Pager<Item>();
    await p.reset(async () => ({ items: items('a') }));
    await p.reset(async () => { throw new Error('422'); });
    expect(p.state).toMatchObject({ items: [], loaded: true, loading: false });
    expect(p.state.error).toBeInstanceOf(Error);
  });

  it('update replaces items in place and reports every change', async () => {
    const seen: number[] = [];
    const p = new Pager<Item & { read?: boolean }>((s) => seen.push(s.items.length));
    await p.reset(async () => ({ items: items('a', 'b') }));
    p.update((xs) => xs.map((x) => (x.id === 'b' ? { ...x, read: true } : x)));
    expect(p.state.items[1]).toEqual({ id: 'b', read: true });
    expect(seen.length).toBeGreaterThanOrEqual(3);
  });
});
