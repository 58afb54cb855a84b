// Expands every case of cases.json with Microsoft's JavaScript SDK and prints what it gives, as JSON:
//   {"sdk": {"adaptivecards-templating": "<version>", "adaptive-expressions": "<version>"},
//    "results": {"<case>": {"output": <expanded>} | {"error": "<message>"}}}
// Usage: node expand.js <cases.json> <folder holding node_modules/adaptivecards-templating>
// CardTemplateConformanceTest runs it; its output, saved as expected.json, is the fixture the test compares offline.
const path = require('path');
const fs = require('fs');
const [casesFile, sdkDir] = process.argv.slice(2);
const modules = path.resolve(sdkDir, 'node_modules');
const ACData = require(path.join(modules, 'adaptivecards-templating'));
const version = (name) => JSON.parse(fs.readFileSync(path.join(modules, name, 'package.json'), 'utf8')).version;
const results = {};
for (const c of JSON.parse(fs.readFileSync(casesFile, 'utf8')).cases) {
  try {
    const expanded = new ACData.Template(c.template).expand({ $root: c.data });
    // JSON.stringify leaves out undefined (a value the SDK does not write)
    results[c.name] = { output: expanded === undefined ? null : JSON.parse(JSON.stringify(expanded)) };
  } catch (e) {
    results[c.name] = { error: String(e && e.message ? e.message : e) };
  }
}
const out = {
  sdk: { 'adaptivecards-templating': version('adaptivecards-templating'), 'adaptive-expressions': version('adaptive-expressions') },
  results,
};
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
