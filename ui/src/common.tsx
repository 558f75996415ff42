// Shared pieces of the pages: loading, error and empty states, times and enum names.
import type { ComponentChildren } from 'preact';
import type { Loaded } from './api';

export function Loading() {
  return (
    <p class="muted" data-testid="loading">
      Loading…
    </p>
  );
}

export function ErrorBox(props: { error: Error; title?: string }) {
  return (
    <div class="error" role="alert" data-testid="error">
      <strong>{props.title ?? 'Something went wrong'}</strong>: {props.error.message}
    </div>
  );
}

export function Empty(props: { children: ComponentChildren }) {
  return (
    <p class="empty" data-testid="empty">
      {props.children}
    </p>
  );
}

/** Renders the loaded data, or the loading or error state. */
export function Show<T>(props: { loaded: Loaded<T>; children: (data: T) => ComponentChildren }) {
  const { data, error } = props.loaded;
  if (data === undefined && error) return <ErrorBox error={error} />;
  if (data === undefined) return <Loading />;
  return (
    <>
      {error && <ErrorBox error={error} title="Refresh failed" />}
      {props.children(data)}
    </>
  );
}

/** `WORKFLOW_EXECUTION_STATUS_RUNNING` -> `Running`. */
export function enumName(value: string | number | undefined, prefix: string): string {
  if (value === undefined) return '';
  const text = String(value).replace(prefix, '');
  return text
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

export function time(value: string | undefined): string {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime())
    ? value
    : date
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC');
}

/** "12.5s" (proto Duration JSON) or the span between two times, as "1m 2.5s". */
export function span(fromTime: string | undefined, toTime: string | undefined): string {
  if (!fromTime) return '';
  const ms = (toTime ? Date.parse(toTime) : Date.now()) - Date.parse(fromTime);
  if (!Number.isFinite(ms)) return '';
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  return seconds < 60 ? `${seconds.toFixed(1)} s` : `${Math.floor(seconds / 60)}m ${(seconds % 60).toFixed(0)}s`;
}

export function StatusBadge(props: { status: string | undefined }) {
  const name = enumName(props.status, 'WORKFLOW_EXECUTION_STATUS_');
  return <span class={`badge status-${name.toLowerCase().replace(/ /g, '-')}`}>{name || 'Unknown'}</span>;
}
