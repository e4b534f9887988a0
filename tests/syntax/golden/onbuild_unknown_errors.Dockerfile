FROM alpine
ONBUILD RUN make
ONBUILD COPY --chown=1:1 . /app
FOO bar baz
ENV a=1 b
LABEL "x y"=z
HEALTHCHECK --interval=5s CMD ["curl", "-f", "http://x/"]
CMD ["a", 1]
