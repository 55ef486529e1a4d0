/**
 * JSON as the repository's formatter (Biome, line width 110) prints it, so a generated report passes
 * `biome ci`: objects one key per line, arrays of plain values on one line when they fit, numbers
 * filling their lines when they do not.
 */
export function formatJson(value: unknown, lineWidth = 110): string {
  return `${format(value, '', 0, false, lineWidth)}\n`;
}

function format(value: unknown, indent: string, column: number, comma: boolean, lineWidth: number): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const flat = value.every((item) => item === null || typeof item !== 'object');
    if (flat) {
      const line = `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
      if (column + line.length + (comma ? 1 : 0) <= lineWidth) return line;
    }
    const inner = `${indent}  `;
    // Numbers that do not fit on one line fill each line, as Biome (like Prettier) prints them.
    if (value.every((item) => typeof item === 'number')) {
      const lines: string[] = [];
      let line = '';
      for (const [index, item] of value.entries()) {
        const part = `${JSON.stringify(item)}${index < value.length - 1 ? ',' : ''}`;
        if (line === '') line = `${inner}${part}`;
        else if (line.length + 1 + part.length <= lineWidth) line = `${line} ${part}`;
        else {
          lines.push(line);
          line = `${inner}${part}`;
        }
      }
      lines.push(line);
      return `[\n${lines.join('\n')}\n${indent}]`;
    }
    const items = value.map(
      (item, index) => `${inner}${format(item, inner, inner.length, index < value.length - 1, lineWidth)}`,
    );
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    if (entries.length === 0) return '{}';
    const inner = `${indent}  `;
    const lines = entries.map(([key, item], index) => {
      const head = `${inner}${JSON.stringify(key)}: `;
      return `${head}${format(item, inner, head.length, index < entries.length - 1, lineWidth)}`;
    });
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
