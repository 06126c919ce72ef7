import type { Page } from '@salon/protocol';
import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api';

export interface PagesState<T> {
  items: T[];
  loading: boolean;
  error: string | null;
  /** Whether the server has another page. */
  more: boolean;
  loadMore: () => void;
}

/**
 * A cursor-paginated list: the first page on each change of `deps`, the next
 * ones on `loadMore`. Answers for old deps are dropped; errors are in the
 * person's language.
 */
export function usePages<T>(
  load: (cursor: string | undefined) => Promise<Page<T>>,
  deps: DependencyList,
  enabled = true,
): PagesState<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(enabled);
  const [error, setError] = useState<string | null>(null);
  const round = useRef(0);
  const loader = useRef(load);
  loader.current = load;

  const fetchPage = useCallback((after: string | undefined, reset: boolean) => {
    const mine = ++round.current;
    setLoading(true);
    setError(null);
    loader.current(after).then(
      (page) => {
        if (mine !== round.current) return;
        setItems((old) => (reset ? page.data : [...old, ...page.data]));
        setCursor(page.next_cursor);
        setLoading(false);
      },
      (err: unknown) => {
        if (mine !== round.current) return;
        setError(errorMessage(err));
        setLoading(false);
      },
    );
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps decide when to load
  useEffect(() => {
    setItems([]);
    setCursor(null);
    if (!enabled) {
      round.current++;
      setLoading(false);
      return;
    }
    fetchPage(undefined, true);
  }, [...deps, enabled]);

  const loadMore = useCallback(() => {
    if (cursor) fetchPage(cursor, false);
  }, [cursor, fetchPage]);

  return { items, loading, error, more: cursor !== null, loadMore };
}
