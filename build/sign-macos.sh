#!/usr/bin/env bash
# Sign, notarize and staple the Clinic Desk app on macOS (hardened runtime, notarytool, stapler).
#
#   build/sign-macos.sh ["build/out/dist/Clinic Desk.app"]
#
# Runs on a Mac with Xcode's command-line tools (codesign, notarytool, stapler). It cannot run on
# Linux or Windows. Every secret comes from the environment, none from the repository:
#   CLINICDESK_MACOS_IDENTITY        "Developer ID Application: Your Practice Software (TEAMID)"
#   CLINICDESK_MACOS_CERT_P12_BASE64 the Developer ID certificate and key (.p12), base64; optional
#   CLINICDESK_MACOS_CERT_PASSWORD   its password (with the .p12)
#   notarization with an App Store Connect API key (preferred):
#     CLINICDESK_NOTARY_KEY_ID, CLINICDESK_NOTARY_ISSUER_ID, CLINICDESK_NOTARY_KEY_P8_BASE64
#   or with an Apple ID:
#     CLINICDESK_NOTARY_APPLE_ID, CLINICDESK_NOTARY_PASSWORD (app-specific), CLINICDESK_NOTARY_TEAM_ID
# Without a .p12 the identity must already be in the login keychain (a release manager's Mac).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
app="${1:-$root/build/out/dist/Clinic Desk.app}"
entitlements="$root/build/macos/entitlements.plist"

fail() { echo "sign-macos: $*" >&2; exit 1; }
[ "$(uname -s)" = "Darwin" ] || fail "this script runs on macOS only (codesign, notarytool and stapler are Apple's)."
[ -d "$app" ] || fail "no app at $app: build it first with python build/release.py bundle"
[ -n "${CLINICDESK_MACOS_IDENTITY:-}" ] || fail "set CLINICDESK_MACOS_IDENTITY to the Developer ID Application identity."
identity="$CLINICDESK_MACOS_IDENTITY"

work="$(mktemp -d)"
keychain=""
cleanup() {
    if [ -n "$keychain" ]; then
        security delete-keychain "$keychain" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# 1. A temporary keychain holding the certificate, when it comes from the environment (CI).
if [ -n "${CLINICDESK_MACOS_CERT_P12_BASE64:-}" ]; then
    [ -n "${CLINICDESK_MACOS_CERT_PASSWORD:-}" ] || fail "CLINICDESK_MACOS_CERT_PASSWORD is not set."
    keychain="$work/signing.keychain-db"
    keychain_password="$(uuidgen)"
    printf '%s' "$CLINICDESK_MACOS_CERT_P12_BASE64" | base64 --decode >"$work/cert.p12"
    security create-keychain -p "$keychain_password" "$keychain"
    security set-keychain-settings -lut 3600 "$keychain"
    security unlock-keychain -p "$keychain_password" "$keychain"
    security import "$work/cert.p12" -k "$keychain" -P "$CLINICDESK_MACOS_CERT_PASSWORD" \
        -T /usr/bin/codesign >/dev/null
    security set-key-partition-list -S apple-tool:,apple: -s -k "$keychain_password" "$keychain" >/dev/null
    # Search the temporary keychain first, then the user's.
    security list-keychains -d user -s "$keychain" $(security list-keychains -d user | tr -d '"')
    rm -f "$work/cert.p12"
fi

sign() {
    codesign --force --timestamp --options runtime --sign "$identity" "$@"
}

# 2. Inside out: every library and extension, then the Qt frameworks, then the executable, then
#    the app. (codesign --deep is not used: it signs in the wrong order and skips resources.)
echo "sign-macos: signing the libraries in $app"
while IFS= read -r -d '' file; do
    if file -b "$file" | grep -q "Mach-O"; then
        sign "$file"
    fi
done < <(find "$app/Contents" -type f \( -name "*.so" -o -name "*.dylib" -o -perm -u+x \) \
    ! -path "*/Contents/MacOS/*" -print0)
while IFS= read -r -d '' framework; do
    sign "$framework"
done < <(find "$app/Contents" -type d -name "*.framework" -print0 | sort -rz)
for executable in "$app"/Contents/MacOS/*; do
    sign --entitlements "$entitlements" "$executable"
done
sign --entitlements "$entitlements" "$app"
codesign --verify --deep --strict --verbose=2 "$app"

# 3. Notarize: Apple scans the signed app; the ticket is then stapled to it for offline checks.
zip="$work/notarize.zip"
ditto -c -k --sequesterRsrc --keepParent "$app" "$zip"
if [ -n "${CLINICDESK_NOTARY_KEY_ID:-}" ]; then
    [ -n "${CLINICDESK_NOTARY_ISSUER_ID:-}" ] && [ -n "${CLINICDESK_NOTARY_KEY_P8_BASE64:-}" ] ||
        fail "set CLINICDESK_NOTARY_ISSUER_ID and CLINICDESK_NOTARY_KEY_P8_BASE64 with CLINICDESK_NOTARY_KEY_ID."
    printf '%s' "$CLINICDESK_NOTARY_KEY_P8_BASE64" | base64 --decode >"$work/notary.p8"
    credentials=(--key "$work/notary.p8" --key-id "$CLINICDESK_NOTARY_KEY_ID" --issuer "$CLINICDESK_NOTARY_ISSUER_ID")
elif [ -n "${CLINICDESK_NOTARY_APPLE_ID:-}" ]; then
    [ -n "${CLINICDESK_NOTARY_PASSWORD:-}" ] && [ -n "${CLINICDESK_NOTARY_TEAM_ID:-}" ] ||
        fail "set CLINICDESK_NOTARY_PASSWORD and CLINICDESK_NOTARY_TEAM_ID with CLINICDESK_NOTARY_APPLE_ID."
    credentials=(--apple-id "$CLINICDESK_NOTARY_APPLE_ID" --password "$CLINICDESK_NOTARY_PASSWORD"
        --team-id "$CLINICDESK_NOTARY_TEAM_ID")
else
    fail "no notarization credentials: set CLINICDESK_NOTARY_KEY_ID (API key) or CLINICDESK_NOTARY_APPLE_ID."
fi
echo "sign-macos: submitting to Apple's notary service (this takes a few minutes)"
xcrun notarytool submit "$zip" "${credentials[@]}" --wait --timeout 60m \
    --output-format json >"$work/notary.json"
status="$(plutil -extract status raw -o - "$work/notary.json" 2>/dev/null || echo unknown)"
if [ "$status" != "Accepted" ]; then
    submission="$(plutil -extract id raw -o - "$work/notary.json" 2>/dev/null || echo "")"
    [ -n "$submission" ] && xcrun notarytool log "$submission" "${credentials[@]}" || true
    fail "notarization ended '$status'; Apple's log is above."
fi
rm -f "$work/notary.p8"

# 4. Staple and check as Gatekeeper will.
xcrun stapler staple "$app"
xcrun stapler validate "$app"
spctl --assess --type execute --verbose=2 "$app"
echo "sign-macos: $app is signed, notarized and stapled. Next: python build/release.py archive"
