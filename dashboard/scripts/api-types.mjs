// Writes the dashboard's TypeScript types for the server's answers from the OpenAPI document the server serves
// (dashboard/openapi.json), to stdout. `npm run api-types` writes src/api-types.ts with it; WireContractTests fails when
// that file is not what this script makes of the committed document. A few lines instead of a generator package:
// the document uses a small part of JSON Schema, and nothing may be fetched at build time.
import { readFileSync } from 'node:fs'
import * as prettier from 'prettier'

const doc = JSON.parse(readFileSync(process.argv[2] ?? 'openapi.json', 'utf8'))
const schemas = doc.components?.schemas ?? {}
const refName = (ref) => ref.replace('#/components/schemas/', '')
const key = (name) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}'`)

function union(types) {
  const unique = [...new Set(types)]
  return unique.length === 0 ? 'unknown' : unique.join(' | ')
}

function typeOf(schema) {
  if (!schema || Object.keys(schema).length === 0) return 'unknown'
  if (schema.$ref) return refName(schema.$ref)
  if (schema.enum) return union(schema.enum.map((v) => JSON.stringify(v)))
  if (schema.oneOf || schema.anyOf) return union((schema.oneOf ?? schema.anyOf).map(typeOf))
  if (schema.allOf) return schema.allOf.map(typeOf).join(' & ')
  const kinds = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []
  // Numbers are written as numbers; the document also allows them as strings because the server reads them so.
  const numeric = kinds.includes('integer') || kinds.includes('number')
  const types = kinds
    .filter((k) => !(numeric && k === 'string'))
    .map((k) => {
      switch (k) {
        case 'integer':
        case 'number':
          return 'number'
        case 'string':
          return 'string'
        case 'boolean':
          return 'boolean'
        case 'null':
          return 'null'
        case 'array':
          return `${wrap(typeOf(schema.items))}[]`
        case 'object':
          return objectType(schema)
        default:
          return 'unknown'
      }
    })
  if (types.length === 0 && schema.properties) types.push(objectType(schema))
  return union(types)
}

const wrap = (t) => (/[|&]/.test(t) ? `(${t})` : t)

function objectType(schema) {
  if (schema.properties) return `{ ${members(schema).join('; ')} }`
  if (schema.additionalProperties) return `Record<string, ${typeOf(schema.additionalProperties)}>`
  return 'Record<string, unknown>'
}

function members(schema) {
  const required = new Set(schema.required ?? [])
  return Object.entries(schema.properties ?? {}).map(
    ([name, property]) => `${key(name)}${required.has(name) ? '' : '?'}: ${typeOf(property)}`,
  )
}

const out = [
  '// Generated from dashboard/openapi.json by scripts/api-types.mjs (npm run api-types): do not edit by hand.',
  '',
]
for (const name of Object.keys(schemas).sort()) {
  const schema = schemas[name]
  if (schema.properties) out.push(`export interface ${name} {`, ...members(schema).map((m) => `  ${m}`), '}', '')
  else out.push(`export type ${name} = ${typeOf(schema)}`, '')
}

// What each GET answers with 200, by path: request<GetAnswers['/v1/experiences']>(...).
out.push('export interface GetAnswers {')
for (const path of Object.keys(doc.paths ?? {}).sort()) {
  const content = doc.paths[path].get?.responses?.['200']?.content
  const schema = content?.['application/json']?.schema
  if (schema) out.push(`  ${key(path)}: ${typeOf(schema)}`)
}
out.push('}', '')

const config = await prettier.resolveConfig(new URL('../src/api-types.ts', import.meta.url))
process.stdout.write(await prettier.format(out.join('\n'), { ...config, parser: 'typescript' }))
