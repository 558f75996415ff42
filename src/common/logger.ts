// A small structured logger: levels as start-dev's --log-level, output as --log-format.
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, never: 100 } as const;
export type LogLevelName = keyof typeof LEVELS;

/** Where log lines go: standard error, or (tests) a function given each line. */
export type LogSink = (line: string) => void;

const toStderr: LogSink = (line) => {
  process.stderr.write(line);
};

export function createLogger(level: LogLevelName, format: 'json' | 'pretty', sink: LogSink = toStderr): Logger {
  const threshold = LEVELS[level];
  const write = (name: Exclude<LogLevelName, 'never'>, message: string, fields?: LogFields): void => {
    if (LEVELS[name] < threshold) return;
    const line =
      format === 'json'
        ? JSON.stringify({ level: name, ts: new Date().toISOString(), msg: message, ...fields })
        : `${new Date().toISOString()} ${name.toUpperCase()} ${message}${fields ? ' ' + JSON.stringify(fields) : ''}`;
    sink(line + '\n');
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}
