// Type-checks every grafana/dashboards/*.json as a literal of @grafana/schema's Dashboard type
// (TypeScript 5, strict, excess-property checks): wrong types and unknown keys fail.
// Usage: node check-dashboards.mjs [dashboard.json ...]   (default: all of ../dashboards)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import * as schema from '@grafana/schema';

// String enums of the schema: a JSON string is only assignable as the enum member with that value.
const STRING_ENUMS = [
  { enumName: 'FieldColorModeId', where: (keys) => keys.at(-1) === 'mode' && keys.at(-2) === 'color' },
  { enumName: 'ThresholdsMode', where: (keys) => keys.at(-1) === 'mode' && keys.at(-2) === 'thresholds' },
  // value mappings, in field defaults or as an override's value
  { enumName: 'MappingType',
    where: (keys) => keys.at(-1) === 'type' && keys.at(-2) === '[]' && ['mappings', 'value'].includes(keys.at(-3)) },
];

/** The dashboard as a TypeScript literal, string enum values written as enum members. */
function literal(value, keys = []) {
  if (Array.isArray(value)) {
    return `[${value.map((v) => literal(v, [...keys, '[]'])).join(', ')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const object = `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${literal(v, [...keys, k])}`).join(', ')}}`;
    // A query's datasource-specific fields (InfluxQL's query, rawQuery, ...) are not in Grafana's generic
    // DataQuery: an annotation's target is checked as a DataQuery without excess-property checks.
    return keys.at(-1) === 'target' && keys.includes('annotations') ? `(${object} as DataQuery)` : object;
  }
  for (const { enumName, where } of STRING_ENUMS) {
    if (typeof value === 'string' && where(keys)) {
      const member = Object.entries(schema[enumName]).find(([, v]) => v === value);
      if (member) {
        return `${enumName}.${member[0]}`;
      }
    }
  }
  return JSON.stringify(value);
}

const here = path.dirname(fileURLToPath(import.meta.url));
const files = process.argv.length > 2
  ? process.argv.slice(2)
  : fs.readdirSync(path.join(here, '..', 'dashboards')).filter((f) => f.endsWith('.json'))
      .map((f) => path.join(here, '..', 'dashboards', f));
if (files.length === 0) {
  console.error('no dashboards to check');
  process.exit(2);
}
const work = fs.mkdtempSync(path.join(here, '.check-'));
try {
  const sources = files.map((file, i) => {
    const dashboard = literal(JSON.parse(fs.readFileSync(file, 'utf8')));
    const ts_ = path.join(work, `dashboard${i}.ts`);
    fs.writeFileSync(ts_, `import type { Dashboard, DataQuery } from '@grafana/schema';\n` +
      `import { ${STRING_ENUMS.map((e) => e.enumName).join(', ')} } from '@grafana/schema';\n` +
      `export const dashboard: Dashboard = ${dashboard};\n`);
    return { file, ts: ts_ };
  });
  const program = ts.createProgram(sources.map((s) => s.ts), {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true, types: [],
  });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  for (const d of diagnostics) {
    const source = sources.find((s) => d.file && path.resolve(d.file.fileName) === path.resolve(s.ts));
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : null;
    console.error(`${source ? path.basename(source.file) : d.file?.fileName ?? ''}` +
      `: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}` +
      `${where ? ` (near: ${d.file.text.slice(d.start, d.start + 60).replace(/\s+/g, ' ')})` : ''}`);
  }
  console.log(`${files.length} dashboard(s) checked against @grafana/schema: ${diagnostics.length} problem(s)`);
  process.exitCode = diagnostics.length === 0 ? 0 : 1;
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
