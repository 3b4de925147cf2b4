/**
 * CSV exports (RFC 4180: quoted when needed, CRLF line ends, header first). A text cell that a spreadsheet would
 * run as a formula (starting with = + - @ or a tab/CR) is prefixed with an apostrophe; numbers, including
 * negative amounts such as "-12.50", are left as they are.
 */
export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s) && !/^[+-]?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
