# expect: bad/retired_namespace.thrift:2:1: 'java_package' is no longer supported; use 'namespace java'
java_package com.example
