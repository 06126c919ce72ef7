#!/bin/sh
# Links the Janus modules Salon uses (AudioBridge, Streaming, VideoRoom and the
# WebSockets transport) into one folder, so that Janus loads nothing else
# (deploy/janus/*/janus.jcfg point there). Run before Janus starts (janus@.service).
set -eu
lib=${JANUS_LIB_DIR:-$(dirname "$(dirname "$(find /usr/lib -path '*janus/plugins/libjanus_audiobridge.so' | head -n 1)")")}
dest=/var/lib/salon-janus/modules
mkdir -p "$dest/plugins" "$dest/transports" "$dest/events" "$dest/loggers"
for plugin in audiobridge streaming videoroom; do
  ln -sf "$lib/plugins/libjanus_$plugin.so" "$dest/plugins/"
done
ln -sf "$lib/transports/libjanus_websockets.so" "$dest/transports/"
