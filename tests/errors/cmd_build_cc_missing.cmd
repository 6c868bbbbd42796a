build --cc /nonexistent/cc -o /tmp/snnc-errors-unused
