/** A progress line on stderr for long commands: rewritten in place on a terminal, every 10 % otherwise. */
export function progressLine(unit: string): ((done: number, total: number) => void) & { done(): void } {
  const tty = process.stderr.isTTY;
  let shownAt = -1;
  const show = (done: number, total: number) => {
    const line = `  ${done.toLocaleString('en')} / ${total.toLocaleString('en')} ${unit}`;
    if (tty) process.stderr.write(`\r\x1b[K${line}`);
    else if (Math.floor((done / total) * 10) > shownAt) {
      shownAt = Math.floor((done / total) * 10);
      process.stderr.write(`${line}\n`);
    }
  };
  return Object.assign(show, { done: () => void (tty && process.stderr.write('\r\x1b[K')) });
}
