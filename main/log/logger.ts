// One logger for every process, with redaction at the logger: a field that should never
// have been logged is still caught here. See docs/security.md (personal data never in logs).

export type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVEL_ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LogRecord {
  time: string;
  level: Level;
  scope: string;
  msg: string;
  [field: string]: unknown;
}

export type Sink = (record: LogRecord) => void;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

/** Keys whose values are personal data or secrets, whatever their type. Compared lower-case. */
const SECRET_KEYS = new Set([
  'mynumber',
  'my_number',
  'individualnumber',
  'name',
  'displayname',
  'fullname',
  'kana',
  'alias',
  'latinname',
  'address',
  'birthdate',
  'dateofbirth',
  'pin',
  'pins',
  'password',
  'newpassword',
  'passphrase',
  'secret',
  'key',
  'hexkey',
  'token',
]);

export const REDACTED = '[redacted]';

/** Any run of exactly 12 digits (the shape of a My Number) is masked wherever it appears. */
const TWELVE_DIGITS = /(?<!\d)\d{12}(?!\d)/g;

export function redactString(value: string): string {
  return value.replace(TWELVE_DIGITS, REDACTED);
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[too deep]';
  if (typeof value === 'string') return redactString(value);
  if (typeof value === 'number' && Number.isInteger(value) && String(value).length === 12) {
    return REDACTED;
  }
  if (typeof value === 'bigint') return redactString(value.toString());
  if (value instanceof Error) {
    const out: Record<string, unknown> = {
      type: value.name,
      message: redactString(value.message),
    };
    if ('code' in value && typeof value.code === 'string') out['code'] = value.code;
    if (value.stack) out['stack'] = redactString(value.stack);
    return out;
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = SECRET_KEYS.has(key.toLowerCase()) ? REDACTED : redact(inner, depth + 1);
    }
    return out;
  }
  return value;
}

export interface LoggerOptions {
  sink?: Sink;
  level?: Level;
  scope?: string;
}

export const stderrSink: Sink = (record) => {
  process.stderr.write(`${JSON.stringify(record)}\n`);
};

export function createLogger(options: LoggerOptions = {}): Logger {
  const sink = options.sink ?? stderrSink;
  const min = LEVEL_ORDER[options.level ?? 'info'];
  const scope = options.scope ?? 'madoguchi';

  const write = (level: Level, msg: string, fields?: Record<string, unknown>): void => {
    if (LEVEL_ORDER[level] < min) return;
    const safeFields = fields ? (redact(fields) as Record<string, unknown>) : {};
    sink({
      ...safeFields,
      time: new Date().toISOString(),
      level,
      scope,
      msg: redactString(msg),
    });
  };

  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    child: (child) =>
      createLogger({ sink, level: options.level ?? 'info', scope: `${scope}/${child}` }),
  };
}

/** A logger that keeps records in memory: for tests that assert what was (not) logged. */
export function createMemoryLogger(): { log: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  return { log: createLogger({ sink: (record) => records.push(record), level: 'debug' }), records };
}
