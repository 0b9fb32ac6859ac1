package dev.opaquepop.opaque.internal;

import java.util.Arrays;

/** Byte-string helpers used by the RFC's pseudo-code: concat, I2OSP, xor and branch-free selection. */
public final class Bytes {
    private Bytes() {}

    /** {@code concat(a, b, ...)} of RFC 9807 §2.1. */
    public static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, offset, part.length);
            offset += part.length;
        }
        return out;
    }

    /** {@code I2OSP(value, 2)}: big-endian two-byte length prefix. */
    public static byte[] i2osp2(int value) {
        if (value < 0 || value > 0xffff) {
            throw new IllegalArgumentException("value does not fit in two bytes: " + value);
        }
        return new byte[] {(byte) (value >>> 8), (byte) value};
    }

    /** {@code I2OSP(value, 1)}. */
    public static byte[] i2osp1(int value) {
        if (value < 0 || value > 0xff) {
            throw new IllegalArgumentException("value does not fit in one byte: " + value);
        }
        return new byte[] {(byte) value};
    }

    /** {@code I2OSP(len(data), 2) || data}, the length-prefixed encoding used throughout RFC 9807. */
    public static byte[] lengthPrefixed(byte[] data) {
        return concat(i2osp2(data.length), data);
    }

    /** xor of two equally long strings. */
    public static byte[] xor(byte[] a, byte[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("xor of unequal lengths");
        }
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }

    /**
     * Returns a copy of {@code ifTrue} when {@code choice} is true, else of {@code ifFalse}, touching every byte
     * of both either way, so the selection does not show in timing or memory access patterns.
     */
    public static byte[] select(boolean choice, byte[] ifTrue, byte[] ifFalse) {
        if (ifTrue.length != ifFalse.length) {
            throw new IllegalArgumentException("select of unequal lengths");
        }
        // mask is 0xff when choice is true, 0 otherwise. Turning the boolean into the mask is the only conditional;
        // the loop below does the same loads, stores and arithmetic whichever input is chosen.
        byte mask = (byte) -(choice ? 1 : 0);
        byte[] out = new byte[ifTrue.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (ifFalse[i] ^ (mask & (ifTrue[i] ^ ifFalse[i])));
        }
        return out;
    }

    /** Returns {@code data[from, from + length)}. */
    public static byte[] slice(byte[] data, int from, int length) {
        return Arrays.copyOfRange(data, from, from + length);
    }

    /** Overwrites each array with zeros; used in {@code finally} blocks for temporaries holding secrets. */
    public static void wipe(byte[]... arrays) {
        for (byte[] array : arrays) {
            if (array != null) {
                Arrays.fill(array, (byte) 0);
            }
        }
    }

    /** True when every byte is zero; runs over the whole array. */
    public static boolean isZero(byte[] data) {
        int acc = 0;
        for (byte b : data) {
            acc |= b;
        }
        return acc == 0;
    }
}
