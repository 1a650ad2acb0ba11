/** Left-aligned text columns, numbers right-aligned; enough for summaries without a table library. */
export function formatTable(rows: readonly (readonly (string | number)[])[], indent = "  "): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, String(cell).length)));
  return rows
    .map(
      (row) =>
        indent +
        row
          .map((cell, i) =>
            typeof cell === "number" ? String(cell).padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
          )
          .join("  ")
          .trimEnd(),
    )
    .join("\n");
}
