/*
 * handler.h: postern's implementation of the ThriftTest service, each method
 * as tests/interop/ThriftTest.thrift documents it.
 *
 * Echo methods answer with the argument's own data: arguments and the reply
 * live in the call's arena until the reply has been written. New data
 * (testMapMap, testInsanity) is allocated from call->arena. The table is
 * immutable and the methods keep no state, so any server model may run them
 * on many threads at once.
 */
#ifndef THRIFTTEST_HANDLER_H
#define THRIFTTEST_HANDLER_H

#include "ThriftTest.h"

extern const ThriftTest_ThriftTest_handler tt_test_handler;

/* SecondService, served beside ThriftTest by the multiplexed protocols
 * (--protocol multi, multic, multij): secondtestString("x") answers
 * testString("x"), as Apache Thrift's cross-test servers do. */
extern const ThriftTest_SecondService_handler tt_second_handler;

/* testOneway sleeps at most this long, whatever it is asked: a hostile
 * client must not park a server thread for days. */
#define TT_ONEWAY_MAX_SLEEP_S 10

#endif
