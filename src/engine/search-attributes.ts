// Search attributes as visibility stores them: payloads decoded to JSON values (Datetime as epoch ms).
import type { SearchAttributes } from '../common/proto';

export function decodeSearchAttributes(attributes: SearchAttributes | null | undefined): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, payload] of Object.entries(attributes?.indexedFields ?? {})) {
    if (!payload?.data || payload.data.length === 0) continue;
    const text = Buffer.from(payload.data).toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
    const type = payload.metadata?.['type'] ? Buffer.from(payload.metadata['type']).toString('utf8') : '';
    if (type === 'Datetime' && typeof value === 'string') value = Date.parse(value);
    result[name] = value;
  }
  return result;
}
