import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, Query, withQuery } from './api';

export interface ApiState<T> {
  data?: T;
  error?: ApiError;
  loading: boolean;
  /** When the data was last fetched (for the "updated at" line of live pages). */
  updatedAt?: Date;
  reload(): void;
}

/**
 * GETs `path` (null: nothing yet) and, with `pollMs`, again on that period while the tab is
 * visible: the live pages (overview, incidents) update without a reload. Polling rather than a
 * push channel because every API node can answer it, whichever runs the scheduler.
 */
export function useApi<T>(
  path: string | null,
  query?: Query,
  options: { pollMs?: number } = {},
): ApiState<T> {
  const url = path === null ? null : withQuery(path, query);
  const [state, setState] = useState<Omit<ApiState<T>, 'reload'>>({ loading: url !== null });
  const [nonce, setNonce] = useState(0);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const latest = useRef(0);

  useEffect(() => {
    if (url === null) return;
    const ticket = ++latest.current;
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    api<T>(url, { signal: controller.signal })
      .then((data) => {
        if (ticket === latest.current)
          setState({ data, loading: false, updatedAt: new Date(), error: undefined });
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted || ticket !== latest.current) return;
        const e =
          error instanceof ApiError ? error : new ApiError(0, String(error), 'network_error');
        setState((s) => ({ ...s, loading: false, error: e }));
      });
    return () => controller.abort();
  }, [url, nonce]);

  useEffect(() => {
    if (!options.pollMs || url === null) return;
    const timer = setInterval(() => {
      if (!document.hidden) reload();
    }, options.pollMs);
    return () => clearInterval(timer);
  }, [url, options.pollMs, reload]);

  return { ...state, reload };
}
