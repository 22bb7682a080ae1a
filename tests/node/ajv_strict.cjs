// Compile tlt's published JSON Schemas with ajv in strict mode, and validate documents with them.
//
//   node ajv_strict.cjs TOOLS_DIR JOB.json
//
// TOOLS_DIR is an `npm install --prefix` folder holding ajv, ajv-formats and ajv-errors. JOB.json is
// {"schemas": [path, ...], "documents": [{"name": ..., "schema": path, "data": ...}, ...]}. Prints
// {"documents": [{"name": ..., "valid": bool, "errors": [{"instancePath", "keyword", "message"}]}]} and exits 0;
// a schema ajv refuses is printed on stderr with exit 1.
//
// Strict means `strict: true` and no keyword of tlt's own: the published schemas must use only the standard
// vocabulary, `format` (ajv-formats) and `errorMessage` (ajv-errors, which needs allErrors). Two settings
// differ from ajv's strictest, each for a reason:
// - allowUnionTypes: `type: [string, integer]` (a license number) is a deliberate union, which is what this
//   option exists to allow;
// - strictRequired off: ajv cannot see properties defined beside an anyOf/oneOf whose branches say which keys
//   are required (ajv-validator/ajv#1571, open, labelled "limitation"), the standard way to write "start or
//   years". tests/test_schema.py checks the same thing instead: every required key is a defined property.
"use strict";
const fs = require("fs");
const path = require("path");
const { createRequire } = require("module");

const [toolsDir, jobPath] = process.argv.slice(2);
const load = createRequire(path.join(path.resolve(toolsDir), "package.json"));
const Ajv2020 = load("ajv/dist/2020").default;
const addFormats = load("ajv-formats").default;
const addErrors = load("ajv-errors").default;

const job = JSON.parse(fs.readFileSync(jobPath, "utf8"));
const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true });
addFormats(ajv);
addErrors(ajv);

const validators = {};
for (const file of job.schemas) {
  try {
    validators[file] = ajv.compile(JSON.parse(fs.readFileSync(file, "utf8")));
  } catch (err) {
    process.stderr.write(`${file}: ${err.message}\n`);
    process.exit(1);
  }
}
const documents = (job.documents || []).map((doc) => {
  const validate = validators[doc.schema];
  const valid = validate(doc.data);
  const errors = (validate.errors || []).map((e) => ({ instancePath: e.instancePath, keyword: e.keyword, message: e.message }));
  return { name: doc.name, valid, errors };
});
process.stdout.write(JSON.stringify({ documents }) + "\n");
