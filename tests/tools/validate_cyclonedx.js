#!/usr/bin/env node
// validate_cyclonedx.js BOM.json... - validate CycloneDX 1.6 JSON with the
// official validator of @cyclonedx/cyclonedx-library (its strict JSON
// validator runs the CycloneDX schemas with ajv).  Exit 0 when every file
// is valid, 1 when one is not (the errors on stderr), 2 on usage or when
// the validator cannot run (a missing optional dependency).
'use strict';
const fs = require('fs');
const path = require('path');

const modules = process.env.PEDIGREE_NODE_MODULES ||
  path.join(__dirname, '..', '..', 'build', 'npm', 'node_modules');
let CDX;
try {
  CDX = require(path.join(modules, '@cyclonedx', 'cyclonedx-library'));
} catch (e) {
  console.error(`validate_cyclonedx: cannot load @cyclonedx/cyclonedx-library from ${modules}: ${e.message}`);
  process.exit(2);
}

async function main(files) {
  if (files.length === 0) {
    console.error('usage: validate_cyclonedx.js BOM.json...');
    return 2;
  }
  const validator = new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6);
  let bad = 0;
  for (const f of files) {
    let errors;
    try {
      errors = await validator.validate(fs.readFileSync(f, 'utf8'));
    } catch (e) {
      console.error(`validate_cyclonedx: ${f}: the validator cannot run: ${e.message}`);
      return 2;
    }
    if (errors === null) {
      console.log(`${f}: valid CycloneDX 1.6`);
    } else {
      console.error(`${f}: invalid CycloneDX 1.6:\n${JSON.stringify(errors, null, 2)}`);
      bad++;
    }
  }
  return bad ? 1 : 0;
}

main(process.argv.slice(2)).then((rc) => process.exit(rc));
