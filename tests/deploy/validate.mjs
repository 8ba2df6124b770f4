// Validates Kubernetes objects against the API schemas offline: reads a JSON array of objects on stdin and
// prints one line per object, "ok <kind>/<name>" or "invalid <kind>/<name>: <errors>"; exits 1 if any object
// is invalid or of a kind no installed package models. Schemas: kubernetes-models (the core API) and
// @kubernetes-models/prometheus-operator (ServiceMonitor), both pinned in package.json.
import { readFileSync } from "node:fs";

// "apps/v1" -> "kubernetes-models/apps/v1"; "v1" -> "kubernetes-models/v1"; CRDs from their own package.
function modulePath(apiVersion) {
  if (apiVersion.startsWith("monitoring.coreos.com/"))
    return `@kubernetes-models/prometheus-operator/${apiVersion}`;
  return `kubernetes-models/${apiVersion}`;
}

async function check(obj) {
  const what = `${obj.kind}/${obj.metadata?.name}`;
  let mod;
  try {
    mod = await import(`${modulePath(obj.apiVersion)}/${obj.kind}`);
  } catch (e) {
    return `invalid ${what}: no schema for ${obj.apiVersion} ${obj.kind}`;
  }
  const Model = mod[obj.kind] ?? mod.default;
  try {
    new Model(obj).validate();
    return `ok ${what}`;
  } catch (e) {
    return `invalid ${what}: ${e.message.replace(/\s+/g, " ")}`;
  }
}

const objects = JSON.parse(readFileSync(0, "utf8"));
const lines = await Promise.all(objects.map(check));
console.log(lines.join("\n"));
process.exit(lines.every((l) => l.startsWith("ok ")) ? 0 : 1);
