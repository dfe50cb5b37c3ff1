/*
 * fuzz_json_seeds.h: JSON documents that start the JSON fuzzers: each is a
 * selector byte (see fuzz_json_target.h) and a document for that
 * descriptor or mode. Shared by the deterministic unit test and the
 * corpus generator.
 */
#ifndef FUZZ_JSON_SEEDS_H
#define FUZZ_JSON_SEEDS_H

typedef struct fuzz_json_seed {
    unsigned char sel;
    const char *doc;
} fuzz_json_seed;

static const fuzz_json_seed fuzz_json_seeds[] = {
    /* 0: Everything */
    { 0x00, "{\"neg_id\":-1,\"b\":true,\"i8v\":-128,\"i16v\":-32768,"
            "\"i32v\":7,\"i64v\":9223372036854775807,\"dbl\":3.14159,"
            "\"str\":\"h\xc3\xa9llo \xe2\x9c\x93 \\n\\t\\u001f\\ud83d\\ude00\","
            "\"bin\":\"AP8Af4A=\",\"u\":\"00112233-4455-6677-8899-aabbccddeeff\","
            "\"color\":\"GREEN\",\"inner\":{\"a\":1,\"s\":\"in\"},"
            "\"li32\":[0,-1],\"sstr\":[\"x\"],\"msi\":{\"k1\":-1},"
            "\"lbool\":[true,false],\"complex\":{\"{\\\"a\\\":1,\\\"s\\\":"
            "\\\"a\\\"}\":[1,-0.5,\"NaN\"]},\"nested\":[[1,2],[]],\"opt\":20,"
            "\"far\":\"f\",\"mb\":{\"true\":1,\"false\":-1},\"linner\":"
            "[{\"a\":3}],\"luuid\":[\"deadbeef-0001-0203-0405-060708090a0b\"],"
            "\"li64\":[-9223372036854775808],\"ldbl\":[1e+300,\"Infinity\"],"
            "\"lbin\":[\"\",\"AQ==\",\"AQI=\",\"AQID\"],\"scolor\":[\"RED\",3],"
            "\"li8\":[127]}" },
    { 0x00, "{}" },
    { 0x00, "{\"str\":\"q\\\"b\\\\s\\/\",\"sstr\":[\"\\\\\"],"
            "\"msi\":{\"\\\"\":1}}" },
    { 0x00, " { \"i64v\" : \"-12\" , \"dbl\" : -1.5E-3 , \"bin\" : \"-_8\" } " },
    /* 1: Node */
    { 0x01, "{\"val\":1,\"next\":{\"val\":2,\"next\":{\"val\":3,\"kids\":[]},"
            "\"kids\":[]},\"kids\":[{\"val\":4,\"kids\":[]}]}" },
    /* 2: Choice (a union) */
    { 0x02, "{\"y\":\"only\"}" },
    { 0x02, "{\"z\":{\"a\":5,\"s\":\"z\"}}" },
    /* 3: Req (required field, defaults) */
    { 0x03, "{\"id\":1,\"name\":\"n\",\"n\":5}" },
    { 0x03, "{\"id\":2,\"n\":null}" },
    /* 4: Deep (pointers) */
    { 0x04, "{\"d\":{\"d\":{\"d\":{\"d\":{\"d\":{\"d\":{\"d\":{\"d\":{\"d\":{}}}}}}}}}}" },
    /* reader mode: a JSON-RPC request whose params hold an Everything */
    { 0x08, "{\"method\":\"Svc.call\",\"params\":[{\"i32v\":1,\"str\":\"x\","
            "\"msi\":{\"a\":1}}],\"id\":7}" },
    { 0x08, "{\"id\":{\"n\":[1,2.5e3,\"x\\u00e9\",null,true,false,{}]},"
            "\"\\u006dethod\":\"a\",\"params\":[{}]}" },
    { 0x0b, "{\"method\":\"S.m\",\"params\":[{\"id\":3}],\"id\":null}" },
    { 0x09, "[[[[[[[[[[{\"a\":[{\"b\":-0.0e-0}]}]]]]]]]]]]" },
};

#endif
