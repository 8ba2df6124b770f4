// Validates an OpenAPI document against the OpenAPI 3 schema and its semantic rules; exits 1 on error.
import SwaggerParser from "@apidevtools/swagger-parser";

const file = process.argv[2];
try {
  const api = await SwaggerParser.validate(file);
  console.log(`${file}: valid OpenAPI ${api.openapi}, ${Object.keys(api.paths).length} paths`);
} catch (err) {
  console.error(`${file}: ${err.message}`);
  process.exit(1);
}
