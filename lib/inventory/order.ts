/** Code-unit string order, not locale order: the same snapshot sorts the same on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
