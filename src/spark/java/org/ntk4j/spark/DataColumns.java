package org.ntk4j.spark;

import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Matrix;

/**
 * Reading rows of a data set as numbers: a features column is a {@link Vector} or an array of doubles
 * (Parquet's natural form); a label column a number, a Vector or an array (k outputs).
 */
final class DataColumns {
    private DataColumns() {}

    /** Checks that {@code col} exists and holds vectors (or, with {@code scalarAllowed}, numbers); names the param. */
    static void check(StructType schema, String param, String col, boolean scalarAllowed) {
        if (col == null || col.isEmpty()) throw new InvalidInputException(param, "is empty; name a column");
        if (!List.of(schema.fieldNames()).contains(col))
            throw new InvalidInputException(
                    param,
                    "column '" + col + "' is not in the data set (columns: " + String.join(", ", schema.fieldNames())
                            + ")");
        DataType t = schema.apply(col).dataType();
        boolean ok = t instanceof VectorUDT
                || (t instanceof ArrayType a && a.elementType() instanceof NumericType)
                || (scalarAllowed && t instanceof NumericType);
        if (!ok)
            throw new InvalidInputException(
                    param,
                    "column '" + col + "' has type " + t.simpleString() + "; need a Vector or array<double>"
                            + (scalarAllowed ? " or a number" : ""));
    }

    /** The values of field {@code i} of {@code row}: a number, a Vector or a numeric array. */
    static double[] values(Row row, int i, String param) {
        if (row.isNullAt(i)) throw new InvalidInputException(param, "has a null value");
        Object o = row.get(i);
        if (o instanceof Vector v) return v.toArray();
        if (o instanceof Number n) return new double[] {n.doubleValue()};
        List<Object> list = row.getList(i);
        double[] out = new double[list.size()];
        for (int j = 0; j < out.length; j++) {
            Object e = list.get(j);
            if (e == null) throw new InvalidInputException(param, "has a null element");
            out[j] = ((Number) e).doubleValue();
        }
        return out;
    }

    /** Rows of equal length as an n×w matrix; errors name {@code param}. */
    static Matrix matrix(List<double[]> rows, String param) {
        int n = rows.size(), w = n == 0 ? 0 : rows.get(0).length;
        double[] cm = new double[n * w];
        for (int i = 0; i < n; i++) {
            double[] r = rows.get(i);
            if (r.length != w)
                throw new InvalidInputException(param, "rows have different lengths (" + w + " and " + r.length + ")");
            for (int j = 0; j < w; j++) {
                if (!Double.isFinite(r[j])) throw new InvalidInputException(param, "has a non-finite value " + r[j]);
                cm[j * n + i] = r[j];
            }
        }
        return Matrix.wrapColumnMajor(n, w, cm);
    }
}
