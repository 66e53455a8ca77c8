"""Made-up sample data in the channels' and couriers' real file layouts, for ``run.py demo``, the tests and
the benchmarks. Not part of the engine: nothing in chulgo/ imports it (jobs/demo.py does).

    orders.py     channel exports, the mapping workbook and whole made-up days
    couriers.py   the one courier simulator (a courier's result file for our waybill request, every courier)
                  and a supplier's answer to our 발주서
"""

from chulgo.samples.orders import (
    CAFE24_HEADERS,
    COUPANG_HEADERS,
    DEFAULT_DAY,
    ELEVENST_HEADERS,
    ESM_EXCHANGE_HEADERS,
    ESM_HEADERS,
    ESM_RETURN_HEADERS,
    KAKAO_GIFT_HEADERS,
    LOTTEON_HEADERS,
    MAPPING_HEADERS,
    MORE_CHANNEL_IDS,
    OHOUSE_HEADERS,
    PRODUCT_HEADERS,
    SET_HEADERS,
    SHOP_NAME,
    SMARTSTORE_HEADERS,
    SMARTSTORE_INSTRUCTION,
    SMARTSTORE_SHORT_HEADERS,
    TOSS_HEADERS,
    UNMAPPED_HEADERS,
    SampleDay,
    generate_channel_rows,
    generate_day,
    write_11st_export,
    write_cafe24_export,
    write_claim_list,
    write_coupang_export,
    write_day,
    write_esm_export,
    write_kakao_gift_export,
    write_lotteon_export,
    write_mapping_workbook,
    write_ohouse_export,
    write_smartstore_export,
    write_toss_export,
)
from chulgo.samples.couriers import (
    COURIERS,
    mask_phone,
    tracking_numbers,
    write_courier_result,
    write_supplier_answer,
)

__all__ = [
    "COURIERS", "mask_phone", "tracking_numbers", "write_supplier_answer",
    "CAFE24_HEADERS", "COUPANG_HEADERS", "DEFAULT_DAY", "ELEVENST_HEADERS", "ESM_EXCHANGE_HEADERS", "ESM_HEADERS",
    "ESM_RETURN_HEADERS", "KAKAO_GIFT_HEADERS", "LOTTEON_HEADERS", "MAPPING_HEADERS", "MORE_CHANNEL_IDS",
    "OHOUSE_HEADERS", "PRODUCT_HEADERS", "SET_HEADERS", "SHOP_NAME", "SMARTSTORE_HEADERS", "SMARTSTORE_INSTRUCTION",
    "SMARTSTORE_SHORT_HEADERS", "TOSS_HEADERS", "UNMAPPED_HEADERS", "SampleDay", "generate_channel_rows",
    "generate_day", "write_11st_export", "write_cafe24_export", "write_claim_list", "write_coupang_export",
    "write_courier_result", "write_day", "write_esm_export", "write_kakao_gift_export", "write_lotteon_export",
    "write_mapping_workbook", "write_ohouse_export", "write_smartstore_export", "write_toss_export",
]
