// A finding as text someone can act on: the problem, the input (method or route, how it was made, the
// headers, the message as JSON, the bytes as hex) and the answer, cut to a readable length.
import type { Finding } from './findings';
import type { FuzzAnswer, FuzzInput } from './fuzz-input';

const HEX_BYTES_SHOWN = 256;
const TEXT_SHOWN = 1500;

function cut(text: string, length = TEXT_SHOWN): string {
  return text.length > length ? `${text.slice(0, length)}... (${text.length} chars)` : text;
}

function messageJson(message: Record<string, unknown>): string {
  return JSON.stringify(message, (_key, value: unknown) => {
    if (value instanceof Uint8Array) return `<${value.length} bytes>`;
    if (typeof value === 'string' && value.length > 200) return `${value.slice(0, 40)}...<${value.length} chars>`;
    return value;
  });
}

function hex(bytes: Buffer): string {
  const shown = bytes.subarray(0, HEX_BYTES_SHOWN).toString('hex');
  return bytes.length > HEX_BYTES_SHOWN ? `${shown}... (${bytes.length} bytes)` : shown;
}

export function describeInput(input: FuzzInput): string {
  if (input.kind === 'grpc') {
    return [
      `  gRPC ${input.path} [${input.label}]`,
      `  headers: ${cut(JSON.stringify(input.headers), 300)}`,
      ...(input.message ? [`  message: ${cut(messageJson(input.message))}`] : []),
      `  body (frame, hex): ${hex(input.body)}`,
    ].join('\n');
  }
  return [
    `  HTTP ${input.route} [${input.label}]`,
    `  request head: ${cut(JSON.stringify(input.head.toString('latin1')), 600)}`,
    `  body: ${cut(JSON.stringify(input.body.subarray(0, 2000).toString('latin1')), 600)} (${input.body.length} bytes)`,
  ].join('\n');
}

export function describeAnswer(answer: FuzzAnswer): string {
  if (answer.kind === 'status') return `  answer: gRPC ${answer.code} ${cut(JSON.stringify(answer.message), 400)}`;
  if (answer.kind === 'response') return `  answer: HTTP ${answer.status} ${cut(answer.body, 400)}`;
  if (answer.kind === 'hang') return '  answer: none in time';
  return `  answer: ${answer.kind} ${answer.reason}`;
}

export function describeFinding(finding: Finding): string {
  const lines = [
    `FINDING (${finding.count}x${finding.index !== undefined ? `, first at input ${finding.index}` : ''}): ${finding.problem}`,
  ];
  if (finding.input) lines.push(describeInput(finding.input));
  if (finding.answer) lines.push(describeAnswer(finding.answer));
  if (finding.minimised) lines.push('  minimised repro:', describeInput(finding.minimised));
  return lines.join('\n');
}
