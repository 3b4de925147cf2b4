#!/bin/sh
# Generates the next SQL migration of one module from its *.tables.ts: npm run db:generate -- <module> [--name x]
# drizzle-kit qualifies foreign-key targets with "public."; they are unqualified here so the same migrations
# run in any schema (search_path decides).
set -e
mod="$1"; shift || true
[ -n "$mod" ] || { echo "usage: npm run db:generate -- <platform|onboarding|policy|target|incentive|evaluation|integration>"; exit 2; }
DRIZZLE_MODULE="$mod" npx drizzle-kit generate "$@"
for f in migrations/"$mod"/*.sql; do
  sed -i 's/REFERENCES "public"\./REFERENCES /g' "$f"
done
