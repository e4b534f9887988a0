# syntax=docker/dockerfile:1
FROM busybox
RUN echo "😀 中文" \
  && echo 	done
CMD ["sh", "-c", "echo hi"]