#!/bin/sh
# Debian packages the app's tests need: Chromium (browser tests, driven by Playwright)
# and a font with Chinese glyphs (the charts' Chinese labels). Installs them when
# missing and this runs as root with apt-get; otherwise says what is missing, and the
# browser tests skip outside CI (in CI, CI=true, they fail instead).
set -u
FONT=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
if [ -x /usr/bin/chromium ] && [ -e "$FONT" ]; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    echo "installing Debian packages: chromium fonts-wqy-microhei"
    apt-get install -y -q chromium fonts-wqy-microhei >/dev/null 2>&1 || {
        apt-get update -q >/dev/null && apt-get install -y -q chromium fonts-wqy-microhei >/dev/null
    } || { echo "apt-get could not install chromium fonts-wqy-microhei" >&2; exit 1; }
else
    echo "note: /usr/bin/chromium or $FONT is missing and this is not root with apt-get:"
    echo "      browser tests will skip (CI=true: fail). Install with:"
    echo "      sudo apt-get install chromium fonts-wqy-microhei"
fi
