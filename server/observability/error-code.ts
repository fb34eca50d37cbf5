/**
 * A stable label for an error reason, for metrics: reasons name ids and fields, which would make a
 * new series for every client.
 */
export function errorCode(reason: string): string {
  if (reason.startsWith('Unknown message type')) return 'unknown-type';
  if (reason.startsWith('Malformed JSON')) return 'malformed-json';
  if (reason.startsWith('A message must be')) return 'not-an-object';
  if (reason.startsWith('Binary frames')) return 'binary-frame';
  if (reason.startsWith('Forbidden key')) return 'forbidden-key';
  if (reason.startsWith('Message nested')) return 'too-deep';
  if (reason.startsWith('Missing field') || reason.startsWith('Field "type"')) return 'missing-type';
  if (reason.startsWith('Unknown receiver')) return 'unknown-receiver';
  if (reason.startsWith('Receiver is not connected')) return 'receiver-offline';
  if (reason.startsWith('Rate limit')) return 'rate-limited';
  const invalid = /^Invalid ([a-z-]+) message/.exec(reason);
  if (invalid) return `invalid-${invalid[1]}`;
  return 'other';
}
