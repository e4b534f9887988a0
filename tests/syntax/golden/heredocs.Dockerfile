FROM debian:12
RUN <<EOF bash
set -e
echo one
EOF
COPY <<-"A" <<B /dst/
	first
	A
second
B
RUN <<EOF
never closed
