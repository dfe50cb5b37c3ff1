/* chars.c: the byte class table of chars.h. */
#include "chars.h"

#define T PST__HC_TCHAR
#define F PST__HC_FIELD
#define G PST__HC_TARGET
#define X PST__HC_HEX
#define TFG (T | F | G)

/* Rows of 16 bytes. Controls (0x00..0x1f, 0x7f) are in no class except HT
 * (field values); 0x80..0xff are obs-text: field values only. */
const uint8_t pst__http_class[256] = {
    /* 0x00 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, F, 0, 0, 0, 0, 0, 0,
    /* 0x10 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x20 SP ! " # $ % & ' ( ) * + , - . / */
    F, TFG, F | G, TFG, TFG, TFG, TFG, TFG, F | G, F | G, TFG, TFG, F | G, TFG,
    TFG, F | G,
    /* 0x30 0-9 : ; < = > ? */
    TFG | X, TFG | X, TFG | X, TFG | X, TFG | X, TFG | X, TFG | X, TFG | X,
    TFG | X, TFG | X, F | G, F | G, F | G, F | G, F | G, F | G,
    /* 0x40 @ A-O */
    F | G, TFG | X, TFG | X, TFG | X, TFG | X, TFG | X, TFG | X, TFG, TFG, TFG,
    TFG, TFG, TFG, TFG, TFG, TFG,
    /* 0x50 P-Z [ \ ] ^ _ */
    TFG, TFG, TFG, TFG, TFG, TFG, TFG, TFG, TFG, TFG, TFG, F | G, F | G, F | G,
    TFG, TFG,
    /* 0x60 ` a-o */
    TFG, TFG | X, TFG | X, TFG | X, TFG | X, TFG | X, TFG | X, TFG, TFG, TFG,
    TFG, TFG, TFG, TFG, TFG, TFG,
    /* 0x70 p-z { | } ~ DEL */
    TFG, TFG, TFG, TFG, TFG, TFG, TFG, TFG, TFG, TFG, TFG, F | G, TFG, F | G,
    TFG, 0,
    /* 0x80..0xff obs-text */
    F, F, F, F, F, F, F, F, F, F, F, F, F, F, F, F,
    F, F, F, F, F, F, F, F, F, F, F, F, F, F, F, F,
    F, F, F, F, F, F, F, F, F, F, F, F, F, F, F, F,
    F, F, F, F, F, F, F, F, F, F, F, F, F, F, F, F,
    F, F, F, F, F, F, F, F, F, F, F, F, F, F, F, F,
    F, F, F, F, F, F, F, F, F, F, F, F, F, F, F, F,
    F, F, F, F, F, F, F, F, F, F, F, F, F, F, F, F,
    F, F, F, F, F, F, F, F, F, F, F, F, F, F, F, F,
};
