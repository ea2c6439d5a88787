# shellcheck shell=bash
# Sourced by the project's scripts: locates the repository, makes sure a .env exists
# (created from .env.example with random secrets on first use) and exports its keys.
# Variables already set in the environment win over .env, so CI or a developer can
# override one key without editing the file.

HOTLINE_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HOTLINE_ENV_FILE="${HOTLINE_ENV_FILE:-$HOTLINE_REPO/.env}"
HOTLINE_SECRET_KEYS=(ARI_PASSWORD AMI_SECRET HOTLINE_ADMIN_TOKEN)
export HOTLINE_REPO HOTLINE_ENV_FILE

hotline_log() { printf '[hotline] %s\n' "$*" >&2; }
hotline_die() { printf '[hotline] error: %s\n' "$*" >&2; exit 1; }

hotline_random_secret() {
  if command -v openssl >/dev/null 2>&1; then
    openssl rand -hex 24
  else
    head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'
  fi
}

# Fills every secret key that is empty (or absent) in the given env file, in place.
hotline_fill_secrets() {
  local file="$1" key tmp
  tmp="$(mktemp "$file.XXXXXX")"
  cp "$file" "$tmp"
  for key in "${HOTLINE_SECRET_KEYS[@]}"; do
    if grep -Eq "^${key}=[[:space:]]*$" "$tmp"; then
      sed -i -E "s/^${key}=[[:space:]]*$/${key}=$(hotline_random_secret)/" "$tmp"
    elif ! grep -Eq "^${key}=" "$tmp"; then
      printf '%s=%s\n' "$key" "$(hotline_random_secret)" >>"$tmp"
    fi
  done
  chmod 600 "$tmp"
  mv "$tmp" "$file"
}

hotline_ensure_env_file() {
  if [[ ! -f "$HOTLINE_ENV_FILE" ]]; then
    [[ -f "$HOTLINE_REPO/.env.example" ]] || hotline_die "no .env.example in $HOTLINE_REPO"
    local tmp
    tmp="$(mktemp "$HOTLINE_ENV_FILE.XXXXXX")"
    cp "$HOTLINE_REPO/.env.example" "$tmp"
    mv "$tmp" "$HOTLINE_ENV_FILE"
    hotline_log "created $HOTLINE_ENV_FILE with random secrets"
  fi
  # An older .env may predate a secret key; a missing secret would stop the service.
  local key
  for key in "${HOTLINE_SECRET_KEYS[@]}"; do
    if ! grep -Eq "^${key}=[^[:space:]]" "$HOTLINE_ENV_FILE"; then
      hotline_fill_secrets "$HOTLINE_ENV_FILE"
      break
    fi
  done
}

hotline_load_env() {
  hotline_ensure_env_file
  local keys key
  keys="$(sed -nE 's/^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)=.*/\2/p' "$HOTLINE_ENV_FILE")"
  local -A preset=()
  for key in $keys; do
    if [[ -v "$key" ]]; then preset[$key]="${!key}"; fi
  done
  set -a
  # shellcheck disable=SC1090
  . "$HOTLINE_ENV_FILE"
  set +a
  for key in "${!preset[@]}"; do
    printf -v "$key" '%s' "${preset[$key]}"
    export "${key?}"
  done
}

hotline_load_env
