/** `--name value` options of a bench script's command line. */
export function optionOf(args: readonly string[]): (name: string) => string | undefined {
  return (name) => {
    const at = args.indexOf(name);
    if (at < 0) return undefined;
    const value = args[at + 1];
    if (value === undefined || value.startsWith("--")) throw new Error(`${name} needs a value`);
    return value;
  };
}
