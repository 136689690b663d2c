/** seq_file: what a /proc show function writes into. */
export class SeqFile {
  buf = '';
}

export function seq_printf(m: SeqFile, text: string): void {
  m.buf += text;
}

export function seq_puts(m: SeqFile, text: string): void {
  m.buf += text;
}
