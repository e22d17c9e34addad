// Validates an AsyncAPI document with the official parser and prints, as JSON, what ChatSocket.Tests compares with
// the server's code: each message's direction, frame type and examples.
// Usage: node check.mjs ../../docs/asyncapi.yaml
import { readFile } from "node:fs/promises";
import { Parser } from "@asyncapi/parser";

const path = process.argv[2];
const parser = new Parser();
const { document, diagnostics } = await parser.parse(await readFile(path, "utf8"));
const errors = diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join(".")}: ${d.message}`);
const result = { valid: document !== undefined && errors.length === 0, errors, messages: [] };
if (document) {
  for (const operation of document.operations().all()) {
    const direction = operation.action(); // "send": the server sends it; "receive": the server receives it
    for (const message of operation.messages().all()) {
      const payload = message.payload()?.json() ?? {};
      result.messages.push({
        name: message.id(),
        direction,
        type: payload?.properties?.type?.const ?? null,
        codes: payload?.properties?.code?.enum ?? null,
        examples: message.examples().all().map((e) => e.payload()),
      });
    }
  }
}
process.stdout.write(JSON.stringify(result));
