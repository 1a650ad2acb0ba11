/** "1 queue", "3 queues", "1,200 messages": a count with its noun, for every message a person reads. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}
