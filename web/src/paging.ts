// Cursor paging of the API's lists ({items, nextCursor}; query cursor and
// limit): the first page on start and on every filter change, further pages
// on "Show more". Kept free of Preact so that it can be tested alone.

/** Page size of the lists that can grow without bound (the API allows 1–100, default 20). */
export const PAGE_SIZE = 20;

export interface Page<V> {
  items: V[];
  nextCursor?: string;
}

/** Fetches one page: cursor undefined for the first. */
export type PageFetcher<V> = (cursor?: string) => Promise<Page<V>>;

export interface PagerState<V> {
  items: V[];
  /** The cursor of the next page; undefined when the list is complete (or not loaded yet). */
  nextCursor?: string;
  /** A first page has arrived for the current source. */
  loaded: boolean;
  /** The first page (of a new source) is on its way. */
  loading: boolean;
  /** A further page is on its way. */
  loadingMore: boolean;
  error: unknown;
}

/**
 * The state of a paged list. reset() starts over from the first page with a
 * (new) fetcher, e.g. after a filter change; answers to an older reset are
 * dropped. more() asks for the next page once at a time; items already in
 * the list (same key) are not repeated.
 */
export class Pager<V> {
  state: PagerState<V> = { items: [], loaded: false, loading: false, loadingMore: false, error: undefined };
  private gen = 0;
  private fetchPage: PageFetcher<V> | null = null;

  constructor(private onChange: (s: PagerState<V>) => void = () => undefined, private key?: (v: V) => string) {}

  get hasMore(): boolean {
    return this.state.loaded && !!this.state.nextCursor;
  }

  private set(patch: Partial<PagerState<V>>): void {
    this.state = { ...this.state, ...patch };
    this.onChange(this.state);
  }

  /** Starts over from the first page. The old items stay visible until it arrives. */
  async reset(fetchPage?: PageFetcher<V>): Promise<void> {
    if (fetchPage) this.fetchPage = fetchPage;
    const f = this.fetchPage;
    if (!f) throw new Error('Pager: no fetcher');
    const my = ++this.gen;
    this.set({ loading: true, loadingMore: false, error: undefined });
    try {
      const page = await f(undefined);
      if (my !== this.gen) return;
      this.set({ items: [...page.items], nextCursor: page.nextCursor || undefined, loaded: true, loading: false });
    } catch (e) {
      if (my !== this.gen) return;
      this.set({ items: [], nextCursor: undefined, loaded: true, loading: false, error: e });
    }
  }

  /** Appends the next page; does nothing while a page is loading or when there is none. */
  async more(): Promise<void> {
    const s = this.state;
    const f = this.fetchPage;
    if (!f || s.loading || s.loadingMore || !s.loaded || !s.nextCursor) return;
    const my = this.gen;
    const cursor = s.nextCursor;
    this.set({ loadingMore: true, error: undefined });
    try {
      const page = await f(cursor);
      if (my !== this.gen) return;
      this.set({ items: this.append(this.state.items, page.items), nextCursor: page.nextCursor || undefined, loadingMore: false });
    } catch (e) {
      if (my !== this.gen) return;
      // The cursor stays: "Show more" tries the same page again.
      this.set({ loadingMore: false, error: e });
    }
  }

  /** Replaces items in place (e.g. one the user changed). */
  update(fn: (items: V[]) => V[]): void {
    this.set({ items: fn(this.state.items) });
  }

  private append(old: V[], more: V[]): V[] {
    if (!this.key) return [...old, ...more];
    const seen = new Set(old.map(this.key));
    return [...old, ...more.filter((v) => !seen.has(this.key!(v)))];
  }
}


