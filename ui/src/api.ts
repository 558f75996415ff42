// Calls of the Temporal HTTP API (/api/v1, grpc-gateway JSON) and a hook that loads, reloads and polls.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface CallOptions {
  readonly method?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export async function api<T>(path: string, options: CallOptions = {}): Promise<T> {
  const response = await fetch(`/api/v1${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers: {
      accept: 'application/json',
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let json: unknown = {};
  try {
    json = text === '' ? {} : JSON.parse(text);
  } catch {
    json = { message: text };
  }
  if (!response.ok) {
    const message = (json as { message?: string }).message ?? response.statusText;
    throw new ApiError(response.status, message || `HTTP ${response.status}`);
  }
  return json as T;
}

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: Error | undefined;
  readonly isLoading: boolean;
  reload(): void;
}

/** Loads `load()` when `key` changes; every `pollMs` again while `poll(data)` holds (live pages). */
export function useLoad<T>(
  key: string,
  load: () => Promise<T>,
  poll?: { everyMs: number; while: (data: T) => boolean },
): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; isLoading: boolean }>({ isLoading: true });
  const [round, setRound] = useState(0);
  const loader = useRef(load);
  loader.current = load;
  useEffect(() => {
    let isCurrent = true;
    let timer: number | undefined;
    const run = (): void => {
      loader.current().then(
        (data) => {
          if (!isCurrent) return;
          setState({ data, isLoading: false });
          if (poll && poll.while(data)) timer = window.setTimeout(run, poll.everyMs);
        },
        (error: unknown) => {
          if (!isCurrent) return;
          setState((previous) => ({
            ...previous,
            error: error instanceof Error ? error : new Error(String(error)),
            isLoading: false,
          }));
        },
      );
    };
    run();
    return () => {
      isCurrent = false;
      if (timer !== undefined) window.clearTimeout(timer);
    };
  }, [key, round]);
  const reload = useCallback(() => setRound((value) => value + 1), []);
  return { ...state, data: state.data, error: state.error, reload };
}
